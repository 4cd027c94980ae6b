/* TCP options (TCP_NODELAY, TCP_KEEPIDLE...): lwIP's, from sys/socket.h. */
#ifndef MAYFLY_NETINET_TCP_H
#define MAYFLY_NETINET_TCP_H
#include <sys/socket.h>
#endif
