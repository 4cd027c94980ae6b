# apps/lib/: code that several apps share (the HTTP server of httpd and flv), built once into
# build/libapps.a and offered to every app, shipped or given as APP=: an app includes its headers
# by name ("http_server.h"), and the link takes from the archive only what the app calls, so an
# app that uses none of it carries none of it.
APPLIB_SRCS     := $(wildcard apps/lib/*.c)
APPLIB_OBJS     := $(patsubst apps/lib/%.c,$(BUILD)/applib/%.o,$(APPLIB_SRCS))
LIBAPPS         := $(BUILD)/libapps.a
# -iquote: only "..." includes look here, so a file in an app's own directory still comes first
APPLIB_INCLUDES := -iquote apps/lib

$(BUILD)/applib/%.o: apps/lib/%.c $(GUEST_FLAGS_STAMP) | $(NEWLIB_STAMP) $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(GUEST_CFLAGS) $(APP_PIC_FLAGS) $(WARN) -c $< -o $@

$(LIBAPPS): $(APPLIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

-include $(APPLIB_OBJS:.o=.d)
