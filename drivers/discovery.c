/* Device discovery: the top of drivers/. Who calls whom, every arrow pointing down:
 *
 *   libc/start.c (debug)  ─┐
 *   net/, fs/, apps: blk_find, net_count, ... (declared in blkdev.h, netdev.h; defined here)
 *        │
 *        ▼
 *   discovery.c  devices_init: asks the buses, opens each device through its transport, names
 *        │       it, attaches its driver, registers what the driver gives back
 *        ├──▶ kernel/pci.c   pci_enumerate                  (bus: PCI functions)
 *        ├──▶ kernel/acpi.c  acpi_find_devices("LNRO0005")  (bus: ACPI devices by _HID)
 *        ├──▶ virtio/virtio_pci.c, virtio_mmio.c  *_open   (transports: report a device, or NULL)
 *        ├──▶ virtio/virtio_blk.c, virtio_net.c, virtio_rng.c  *_attach  (drivers: bring it up, return the
 *        │         │                                         interface object)
 *        │         └──▶ virtio/virtio.c, virtqueue.c        (the library the drivers use)
 *        └──▶ blkdev.c, netdev.c  blk_register, net_register, *_registered (leaves)
 *
 * Going up happens only through pointers registered on the way down: a transport's interrupt
 * handler wakes the driver's thread (virtio_interrupt), a driver finishes requests through
 * blk_complete and the receiver net/ set (net_set_receiver), and the interfaces call the driver
 * through the submit/transmit pointers in struct blkdev/netdev. */
#include "discovery.h"
#include "blkdev.h"
#include "netdev.h"
#include "rngdev.h"
#include "virtio/virtio_blk.h"
#include "virtio/virtio_mmio.h"
#include "virtio/virtio_net.h"
#include "virtio/virtio_pci.h"
#include "virtio/virtio_rng.h"
#include "../kernel/acpi.h"
#include "../kernel/format.h"
#include "../kernel/pci.h"
#include "../kernel/printk.h"
#include <string.h>

#define MAX_ACPI_DEVICES 32            /* QEMU's microvm describes 24 virtio-mmio transports */

static int count_blk(void)
{
    int n = 0;
    while (blk_registered(n))
        n++;
    return n;
}

static int count_net(void)
{
    int n = 0;
    while (net_registered(n))
        n++;
    return n;
}

/* Hand a virtio device to the driver for its ID, under the next name of its kind. */
static void attach(struct virtio_device *dev)
{
    if (dev->id == VIRTIO_ID_BLOCK) {
        struct blkdev *b;
        ksnprintf(dev->name, sizeof dev->name, "vd%c", 'a' + count_blk());
        if (virtio_blk_attach(dev, &b) == 0 && blk_register(b) < 0)
            kprintf("mayfly: %s: too many block devices; not registered\n", dev->name);
    } else if (dev->id == VIRTIO_ID_NET) {
        struct netdev *n;
        ksnprintf(dev->name, sizeof dev->name, "net%d", count_net());
        if (virtio_net_attach(dev, &n) == 0 && net_register(n) < 0)
            kprintf("mayfly: %s: too many network devices; not registered\n", dev->name);
    } else if (dev->id == VIRTIO_ID_RNG) {
        ksnprintf(dev->name, sizeof dev->name, "rng0");
        virtio_rng_attach(dev);
    } else {
        kdebug("mayfly: virtio device type %u at %s: no driver\n", dev->id, dev->where);
    }
}

static void find_pci(void)
{
    struct pci_device *list;
    int n = pci_enumerate(&list);
    for (int i = 0; i < n; i++) {
        struct virtio_device *dev = virtio_pci_open(&list[i]);
        if (dev)
            attach(dev);
    }
}

/* virtio-mmio transports, described in the DSDT with a Memory32Fixed and an Extended
 * Interrupt (that is how QEMU's -M microvm gives them). */
static void find_acpi(void)
{
    struct acpi_resources res[MAX_ACPI_DEVICES];
    int n = acpi_find_devices(VIRTIO_MMIO_ACPI_HID, res, MAX_ACPI_DEVICES);
    for (int i = 0; i < n; i++) {
        if (!res[i].has_memory || !res[i].has_irq)
            continue;
        struct virtio_device *dev = virtio_mmio_open(res[i].base, res[i].size, res[i].irq, res[i].irq_level);
        if (dev)
            attach(dev);
    }
}

void devices_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    find_pci();
    find_acpi();
}

/* The lookups of blkdev.h and netdev.h: find the devices first, then ask the registry. */

int blk_count(void)
{
    devices_init();
    return count_blk();
}

struct blkdev *blk_get(int i)
{
    devices_init();
    return blk_registered(i);
}

struct blkdev *blk_find(const char *name)
{
    devices_init();
    struct blkdev *d;
    for (int i = 0; (d = blk_registered(i)); i++)
        if (strcmp(d->name, name) == 0)
            return d;
    return NULL;
}

int net_count(void)
{
    devices_init();
    return count_net();
}

struct netdev *net_get(int i)
{
    devices_init();
    return net_registered(i);
}

struct netdev *net_find(const char *name)
{
    devices_init();
    struct netdev *d;
    for (int i = 0; (d = net_registered(i)); i++)
        if (strcmp(d->name, name) == 0)
            return d;
    return NULL;
}

int rng_read(void *buf, size_t len)
{
    devices_init();
    return virtio_rng_read(buf, len);
}
