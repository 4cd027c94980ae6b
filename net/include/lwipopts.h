/* lwIP options for Mayfly (lwIP's src/include/lwip/opt.h documents each one).
 *
 * Threads are cooperative and there is one CPU, so lwIP runs with the core lock: a socket call
 * runs the stack in the caller's thread, and received frames go up in the NIC's service thread,
 * with no message to the tcpip thread on either path. That thread is left with lwIP's timers,
 * which it sleeps on through the kernel's timer (no polling, no tick).
 *
 * Memory comes from the heap (newlib's malloc) rather than static pools, through a budget
 * that net/mem_budget.c sets from the VM's RAM: the connection count is limited by memory,
 * not by a number fixed at build time, and the stack cannot take the memory the app needs. */
#ifndef MAYFLY_LWIPOPTS_H
#define MAYFLY_LWIPOPTS_H

#define NO_SYS 0
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1
#define SYS_LIGHTWEIGHT_PROT 1
#define LWIP_NETCONN_SEM_PER_THREAD 0
#define TCPIP_THREAD_NAME "tcpip"
#define TCPIP_THREAD_STACKSIZE (32 * 1024)
#define TCPIP_THREAD_PRIO 0
#define TCPIP_MBOX_SIZE 128

/* memory: the heap, under a budget (net/mem_budget.c) */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 16
#define mem_clib_malloc net_mem_malloc
#define mem_clib_calloc net_mem_calloc
#define mem_clib_free net_mem_free
#ifndef __ASSEMBLER__
#include <stddef.h>
void *net_mem_malloc(size_t size);
void *net_mem_calloc(size_t count, size_t size);
void net_mem_free(void *p);
#endif
/* With MEMP_MEM_MALLOC these are not pool sizes; lwIP still checks a few against each other. */
#define MEMP_NUM_NETCONN 1024           /* also the number of sockets (see FD_MAX in libc/fd.h) */
#define MEMP_NUM_TCP_PCB 1024
#define MEMP_NUM_TCP_PCB_LISTEN 64
#define MEMP_NUM_UDP_PCB 64
#define MEMP_NUM_TCP_SEG 4096
#define MEMP_NUM_NETBUF 256
#define MEMP_NUM_TCPIP_MSG_INPKT 256
#define PBUF_POOL_SIZE 256

/* frames: room before the Ethernet header for the virtio-net header (NETBUF_HEADROOM) */
#define PBUF_LINK_ENCAPSULATION_HLEN 16
#define LWIP_SUPPORT_CUSTOM_PBUF 1
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define ETH_PAD_SIZE 0

/* protocols */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0           /* the check costs half a second of boot; the DHCP server owns the range */
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#define LWIP_IGMP 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_REASS_MAX_PBUFS 128          /* a 64 KiB UDP datagram is 45 fragments */
#define LWIP_HAVE_LOOPIF 1              /* 127.0.0.1 */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_NETIF_STATUS_CALLBACK 1    /* net/netconfig.c learns of the DHCP address */
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_HOSTNAME 1

/* TCP, for throughput: a full window without scaling, a send buffer as large */
#define TCP_MSS 1460
#define TCP_WND (44 * TCP_MSS)
#define TCP_SND_BUF (44 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT (TCP_SND_BUF / 2)
#define TCP_QUEUE_OOSEQ 1
/* A closed connection waits 2 * TCP_MSL in TIME-WAIT. lwIP's default MSL of 60 s stalled httpd:
 * under connection churn through QEMU's user network (4 clients, one request per connection)
 * every connection hung for 20 s and more after about 3,000, and the service looked dead, while a
 * Linux guest served 19,836 in 25 s under the same load. With 1 s none hung in 12,524. Why lwIP's
 * TIME-WAIT list matters that early is not pinned down yet (lwIP answers a SYN that hits a
 * TIME-WAIT pair with an ACK or a reset, where Linux reopens it; and the list is searched for
 * every segment). Old duplicates outliving 2 s are no risk behind QEMU's NAT or on a LAN. */
#define TCP_MSL 1000UL
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_TCP_TIMESTAMPS 0

/* sockets: Mayfly's libc wraps lwip_* under the standard names (libc/socket.c) */
#define LWIP_SOCKET 1
#define LWIP_NETCONN 1
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SOCKET_OFFSET 0
#define LWIP_SOCKET_SELECT 0
#define LWIP_SOCKET_POLL 1
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_SNDTIMEO 1
#define LWIP_SO_RCVBUF 0
#define SO_REUSE 1
#define LWIP_FIONREAD_LINUXMODE 1
#define DEFAULT_TCP_RECVMBOX_SIZE 128
#define DEFAULT_UDP_RECVMBOX_SIZE 128
#define DEFAULT_ACCEPTMBOX_SIZE 256

/* no statistics, no debug output (LWIP_DEBUG stays undefined); assertions panic (arch/cc.h) */
#define LWIP_STATS 0

/* Numbers an attacker must not guess: LWIP_RAND is the kernel's ChaCha20 generator (arch/cc.h);
 * ephemeral ports start at a random place; DNS queries get random ids and source ports, one
 * outstanding query per name; TCP's initial sequence numbers follow RFC 6528 (net/tcp_isn.c). */
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1
#define LWIP_DNS_SECURE (LWIP_DNS_SECURE_RAND_XID | LWIP_DNS_SECURE_NO_MULTIPLE_OUTSTANDING | \
                         LWIP_DNS_SECURE_RAND_SRC_PORT)
#define LWIP_HOOK_FILENAME "lwip_hooks.h"
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
    net_tcp_isn(local_ip, local_port, remote_ip, remote_port)

#endif
