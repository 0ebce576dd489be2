/* Not a component: it names an init handler but no message handler, which
 * must fail at link time (test guest_requires_on_message). */
#include <airwasm/guest.h>

static const char *on_init(void) {
    return NULL;
}
AW_ON_INIT(on_init)
