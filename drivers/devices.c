#include "devices.h"
#include "virtio/virtio.h"

void devices_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    virtio_pci_probe();
    virtio_mmio_probe();
}
