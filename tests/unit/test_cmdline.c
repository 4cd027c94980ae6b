/* kernel/cmdline.c and kernel/options.c: splitting, quoting, "--", option errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include "../../kernel/cmdline.h"
#include "../../kernel/options.h"

static char storage[8192];

static void splits_kernel_options_and_app_args(void **state)
{
    (void)state;
    struct cmdline cl;
    assert_int_equal(cmdline_parse("  debug env=A=1 -- one  two ", storage, &cl), 0);
    assert_int_equal(cl.nkernel_opts, 2);
    assert_string_equal(cl.kernel_opts[0], "debug");
    assert_string_equal(cl.kernel_opts[1], "env=A=1");
    assert_int_equal(cl.napp_args, 2);
    assert_string_equal(cl.app_args[0], "one");
    assert_string_equal(cl.app_args[1], "two");
}

static void empty_line_has_no_words(void **state)
{
    (void)state;
    struct cmdline cl;
    assert_int_equal(cmdline_parse("", storage, &cl), 0);
    assert_int_equal(cl.nkernel_opts + cl.napp_args, 0);
    assert_int_equal(cmdline_parse(" \t ", storage, &cl), 0);
    assert_int_equal(cl.nkernel_opts + cl.napp_args, 0);
}

static void quotes_and_backslashes(void **state)
{
    (void)state;
    struct cmdline cl;
    assert_int_equal(cmdline_parse("-- \"two words\" a\\ b \"say \\\"hi\\\"\" \"\" x\"y\"z", storage, &cl), 0);
    assert_int_equal(cl.napp_args, 5);
    assert_string_equal(cl.app_args[0], "two words");
    assert_string_equal(cl.app_args[1], "a b");
    assert_string_equal(cl.app_args[2], "say \"hi\"");
    assert_string_equal(cl.app_args[3], "");
    assert_string_equal(cl.app_args[4], "xyz");
}

static void second_separator_is_an_app_argument(void **state)
{
    (void)state;
    struct cmdline cl;
    assert_int_equal(cmdline_parse("-- a -- b \"--\"", storage, &cl), 0);
    assert_int_equal(cl.nkernel_opts, 0);
    assert_int_equal(cl.napp_args, 4);
    assert_string_equal(cl.app_args[1], "--");
}

static void malformed_lines_are_refused(void **state)
{
    (void)state;
    struct cmdline cl;
    assert_int_equal(cmdline_parse("-- \"unterminated", storage, &cl), -EINVAL);
    assert_int_equal(cmdline_parse("trailing\\", storage, &cl), -EINVAL);
    char many[4096] = "--";
    for (int i = 0; i < CMDLINE_MAX_WORDS + 1; i++)
        strcat(many, " w");
    assert_int_equal(cmdline_parse(many, storage, &cl), -E2BIG);
}

static int apply(const char *line, struct kernel_options *o, char *err)
{
    struct cmdline cl;
    assert_int_equal(cmdline_parse(line, storage, &cl), 0);
    return options_apply(&cl, o, err, 160);
}

static void known_options_apply(void **state)
{
    (void)state;
    struct kernel_options o;
    char err[160];
    assert_int_equal(apply("debug env=GREETING=hi env=\"B=x y\" -- z", &o, err), 0);
    assert_true(o.debug);
    assert_int_equal(o.nenv, 2);
    assert_string_equal(o.env[0], "GREETING=hi");
    assert_string_equal(o.env[1], "B=x y");
    assert_null(o.env[2]);
}

static void bad_options_are_named(void **state)
{
    (void)state;
    struct kernel_options o;
    char err[160];
    assert_int_equal(apply("debug bogus=1", &o, err), -EINVAL);
    assert_non_null(strstr(err, "unknown kernel option 'bogus'"));
    assert_int_equal(apply("debug=yes", &o, err), -EINVAL);
    assert_non_null(strstr(err, "'debug' takes no value"));
    assert_int_equal(apply("env=NOVALUE", &o, err), -EINVAL);
    assert_int_equal(apply("env==x", &o, err), -EINVAL);
    assert_int_equal(apply("env", &o, err), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_kernel_options_and_app_args),
        cmocka_unit_test(empty_line_has_no_words),
        cmocka_unit_test(quotes_and_backslashes),
        cmocka_unit_test(second_separator_is_an_app_argument),
        cmocka_unit_test(malformed_lines_are_refused),
        cmocka_unit_test(known_options_apply),
        cmocka_unit_test(bad_options_are_named),
    };
    return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
