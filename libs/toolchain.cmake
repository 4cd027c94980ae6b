# CMake's view of the guest: a freestanding x86_64 target compiled by the host gcc against
# newlib. libs/build-cmake passes the guest's flags in CMAKE_C_FLAGS.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER gcc)
# Probes (check_type_size, check_c_source_compiles) cannot link a program without the kernel:
# they compile into a static library instead, which is all they need to learn.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# Nothing of the host's libraries or headers may be found: only what the command line names.
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
