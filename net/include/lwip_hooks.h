/* lwIP's hooks (LWIP_HOOK_FILENAME in lwipopts.h): the functions lwIP's own files call. */
#ifndef MAYFLY_LWIP_HOOKS_H
#define MAYFLY_LWIP_HOOKS_H
#include "lwip/arch.h"
#include "lwip/ip_addr.h"

/* LWIP_HOOK_TCP_ISN: the initial sequence number of a new connection, RFC 6528 §3
 * (net/tcp_isn.c). Called by tcp.c in the tcpip thread. */
u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip, u16_t remote_port);
#endif
