# Host unit tests (cmocka), built with the sanitizers: every tests/unit/test_NAME.c is one test,
# linked with the Mayfly sources it tests, listed below as test_NAME_SRCS, and with the host
# libraries it needs beyond cmocka as test_NAME_LIBS. A new test is a new test_*.c here plus its
# lines below. `make unit` builds and runs them all (`make -k unit` goes on past a failure),
# `make unit-test_NAME` one; tests/run runs each and counts its cases.
test_acpi_aml_SRCS   := kernel/acpi_aml.c
test_chacha20_SRCS   := kernel/chacha20.c kernel/csprng.c
test_checksum_SRCS   := drivers/checksum.c
test_cmdline_SRCS    := kernel/cmdline.c kernel/options.c kernel/format.c net/options.c net/hosts.c net/ipv4_parse.c \
                        fs/options.c
test_hosts_SRCS      := net/hosts.c net/options.c net/ipv4_parse.c kernel/cmdline.c kernel/options.c kernel/format.c
test_format_SRCS     := kernel/format.c kernel/rtc.c
test_http_SRCS       := apps/lib/http.c
test_flv_SRCS        := apps/flv/flv.c
test_img_SRCS        := apps/img/img_params.c apps/img/img_geom.c apps/img/img_scale.c apps/img/img_cache.c \
                        apps/img/img_etag.c
test_page_alloc_SRCS := kernel/page_alloc.c
test_virtqueue_SRCS  := drivers/virtio/virtqueue.c kernel/format.c
test_virtio_check_SRCS := drivers/virtio/virtio_check.c kernel/pci_check.c kernel/format.c
test_vfs_SRCS        := fs/vfs.c fs/path.c fs/ramfs.c
test_cpio_SRCS       := fs/cpio.c kernel/format.c
test_fat_SRCS        := fs/fat.c fs/fat_bpb.c fs/fat_dir.c fs/fat_file.c fs/fat_io.c fs/fat_name.c fs/fat_table.c \
                        fs/fat_time.c fs/bcache.c
test_spec_SRCS       := host/spec.c
test_fleet_SRCS      := host/fleet.c host/spec.c
test_fleet_LIBS      := -lyaml
test_export_SRCS     := host/export.c host/spec.c kernel/cmdline.c
test_module_SRCS     := os/module.c os/abi_note.c
test_elfnote_SRCS    := host/elfnote.c os/abi_note.c
test_qemu_SRCS       := host/qemu.c host/spec.c host/network.c host/paths.c

UNIT_TESTS  := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_OUT    := $(BUILD)/tests/unit
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover
# A test's objects: its own file and its sources, each under build/tests/unit/obj/ by its path,
# so a source that several tests share is compiled once (with the host's compiler and headers).
unit_objs    = $(patsubst %.c,$(UNIT_OUT)/obj/%.o,tests/unit/$(1).c $($(1)_SRCS))
# Per-directory additions to UNIT_CFLAGS: host/ compiles as host/build.mk has it.
UNIT_DIR_CFLAGS :=
$(UNIT_OUT)/obj/host/%.o: UNIT_DIR_CFLAGS := -D_GNU_SOURCE -Wno-format-truncation

.PHONY: unit unit-list $(addprefix unit-,$(UNIT_TESTS))
unit: $(addprefix unit-,$(UNIT_TESTS))
unit-list:
	@echo $(UNIT_TESTS)
$(addprefix unit-,$(UNIT_TESTS)): unit-%: $(UNIT_OUT)/%
	@$<

$(foreach t,$(UNIT_TESTS),$(eval $(UNIT_OUT)/$(t): $(call unit_objs,$(t))))
$(addprefix $(UNIT_OUT)/,$(UNIT_TESTS)): | $(SETUP_STAMP)
	@echo "  LD      $@"
	@gcc $(UNIT_CFLAGS) -o $@ $^ -lcmocka $($(notdir $@)_LIBS)

$(UNIT_OUT)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (host)"
	@gcc $(UNIT_CFLAGS) $(UNIT_DIR_CFLAGS) -MD -MP -c $< -o $@

-include $(patsubst %.o,%.d,$(sort $(foreach t,$(UNIT_TESTS),$(call unit_objs,$(t)))))
