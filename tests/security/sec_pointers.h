/* The commands of components/sec_pointers.wat: one host import misused each. */
#ifndef AW_SEC_POINTERS_H
#define AW_SEC_POINTERS_H

typedef struct sec_misuse {
    char command;
    bool wasi; /* returns an errno instead of nothing */
    const char *what;
} sec_misuse;

static const sec_misuse sec_misuses[] = {
    {'a', false, "self-id return area outside memory"},
    {'b', false, "send-message target pointer outside memory"},
    {'c', false, "send-message payload straddling the end of memory"},
    {'d', false, "send-message return area outside memory"},
    {'e', false, "send-request target pointer outside memory"},
    {'f', false, "send-request payload length 4 GiB - 1"},
    {'g', false, "send-request return area outside memory"},
    {'h', false, "call target pointer outside memory"},
    {'i', false, "call payload straddling the end of memory"},
    {'j', false, "call return area outside memory"},
    {'k', false, "publish topic pointer outside memory"},
    {'l', false, "publish payload pointer + length wrapping 32 bits"},
    {'m', false, "publish return area outside memory"},
    {'n', false, "subscribe pattern pointer outside memory"},
    {'o', false, "subscribe return area outside memory"},
    {'p', false, "log message pointer outside memory"},
    {'u', false, "send-message target not UTF-8"},
    {'v', false, "log message not UTF-8"},
    {'w', false, "subscribe pattern in overlong UTF-8"},
    {'A', true, "fd_write iovec array outside memory"},
    {'B', true, "fd_write iovec pointing outside memory"},
    {'C', true, "fd_write nwritten outside memory"},
    {'D', true, "random_get buffer outside memory"},
    {'E', true, "args_sizes_get result outside memory"},
    {'F', true, "args_get pointers outside memory"},
    {'G', true, "environ_sizes_get result outside memory"},
    {'H', true, "environ_get pointers outside memory"},
    {'I', true, "clock_time_get result outside memory"},
    {'J', true, "fd_fdstat_get result outside memory"},
    {'K', true, "clock_res_get result outside memory"},
    {'L', true, "fd_seek result outside memory"},
    {'M', true, "random_get length 4 GiB - 1"},
};
#define SEC_MISUSES (sizeof sec_misuses / sizeof sec_misuses[0])

#endif
