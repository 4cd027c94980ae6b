/* A full memory fence between the guest and the devices it shares memory with. */
#ifndef KERNEL_FENCE_H
#define KERNEL_FENCE_H

/* Orders this CPU's earlier stores before its later loads as the device side sees them: the
 * store-then-load handshakes of virtio's notification suppression (virtio 1.2 §2.7.7, §2.7.10)
 * need it. An mfence, plus, under QEMU's TCG, an instruction that makes QEMU itself fence. */
void device_fence(void);
#endif
