/* Recurses as deep as a raw message says, 1 KiB of stack per level: shows
 * that overflowing the 32 KiB shadow stack traps instead of writing over the
 * component's data. */
#include <airwasm/guest.h>

#include <stdlib.h>

static unsigned canary = 0xC0FFEEu;

/* Opaque to the optimiser: the whole frame must exist. */
__attribute__((noinline)) static void fill(volatile unsigned char *frame, size_t len,
                                           unsigned depth) {
    for (size_t i = 0; i < len; i++) frame[i] = (unsigned char)depth;
}

static unsigned descend(unsigned depth) {
    unsigned char frame[1024];
    fill(frame, sizeof frame, depth);
    unsigned below = depth ? descend(depth - 1) : 0;
    /* Reading the frame after the call keeps it alive across the call, so
     * the compiler cannot turn the recursion into a loop. */
    return ((volatile unsigned char *)frame)[sizeof frame - 1] + below;
}

static void on_message(const aw_message *msg, aw_reply *reply) {
    unsigned depth = (unsigned)strtoul((const char *)msg->body, NULL, 10);
    unsigned sum = descend(depth);
    aw_reply_jsonf(reply, "{\"sum\":%u,\"canary\":%u}", sum, canary);
}
AW_ON_MESSAGE(on_message)
