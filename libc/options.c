/* Every layer above the kernel that takes kernel options: the kernel checks each word of the
 * command line against these at boot (kernel/options.h). The C runtime sits at the top of the
 * stack, so it is the one place that may name them all. */
#include "../kernel/options.h"
#include "../fs/options.h"
#include "../net/options.h"

const struct option_layer *const option_layers[] = { &net_option_layer, &fs_option_layer, NULL };
