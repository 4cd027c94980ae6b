/* lwIP's operating-system types on Mayfly's cooperative threads (net/sys_arch.c). */
#ifndef MAYFLY_ARCH_SYS_ARCH_H
#define MAYFLY_ARCH_SYS_ARCH_H

struct sys_sem;
struct sys_mutex;
struct sys_mbox;
struct thread;

/* Each is a pointer to the object, NULL when not valid (lwIP's sys_*_valid). */
typedef struct sys_sem *sys_sem_t;
typedef struct sys_mutex *sys_mutex_t;
typedef struct sys_mbox *sys_mbox_t;
typedef struct thread *sys_thread_t;
typedef int sys_prot_t;

#define sys_sem_valid(s) (*(s) != NULL)
#define sys_sem_set_invalid(s) (*(s) = NULL)
#define sys_mutex_valid(m) (*(m) != NULL)
#define sys_mutex_set_invalid(m) (*(m) = NULL)
#define sys_mbox_valid(m) (*(m) != NULL)
#define sys_mbox_set_invalid(m) (*(m) = NULL)
#endif
