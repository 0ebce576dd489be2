/* The commands of components/sec_pointers.wat: one host import misused each. */
#ifndef AW_SEC_POINTERS_H
#define AW_SEC_POINTERS_H

typedef struct sec_misuse {
    char command;
    bool wasi;     /* returns an errno instead of nothing */
    bool bad_text; /* not UTF-8 rather than out of range */
    const char *what;
} sec_misuse;

static const sec_misuse sec_misuses[] = {
    {'a', false, false, "self-id return area outside memory"},
    {'b', false, false, "send-message target pointer outside memory"},
    {'c', false, false, "send-message payload straddling the end of memory"},
    {'d', false, false, "send-message return area outside memory"},
    {'e', false, false, "send-request target pointer outside memory"},
    {'f', false, false, "send-request payload length 4 GiB - 1"},
    {'g', false, false, "send-request return area outside memory"},
    {'h', false, false, "call target pointer outside memory"},
    {'i', false, false, "call payload straddling the end of memory"},
    {'j', false, false, "call return area outside memory"},
    {'k', false, false, "publish topic pointer outside memory"},
    {'l', false, false, "publish payload pointer + length wrapping 32 bits"},
    {'m', false, false, "publish return area outside memory"},
    {'n', false, false, "subscribe pattern pointer outside memory"},
    {'o', false, false, "subscribe return area outside memory"},
    {'p', false, false, "log message pointer outside memory"},
    {'u', false, true, "send-message target not UTF-8"},
    {'v', false, true, "log message not UTF-8"},
    {'w', false, true, "subscribe pattern in overlong UTF-8"},
    {'A', true, false, "fd_write iovec array outside memory"},
    {'B', true, false, "fd_write iovec pointing outside memory"},
    {'C', true, false, "fd_write nwritten outside memory"},
    {'D', true, false, "random_get buffer outside memory"},
    {'E', true, false, "args_sizes_get result outside memory"},
    {'F', true, false, "args_get pointers outside memory"},
    {'G', true, false, "environ_sizes_get result outside memory"},
    {'H', true, false, "environ_get pointers outside memory"},
    {'I', true, false, "clock_time_get result outside memory"},
    {'J', true, false, "fd_fdstat_get result outside memory"},
    {'K', true, false, "clock_res_get result outside memory"},
    {'L', true, false, "fd_seek result outside memory"},
    {'M', true, false, "random_get length 4 GiB - 1"},
};
#define SEC_MISUSES (sizeof sec_misuses / sizeof sec_misuses[0])

#endif
