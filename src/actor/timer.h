/* Timers of the actor system (see timer.c). The functions are declared in
 * actor/system.h; this header only names the file's tunables. */
#ifndef AW_ACTOR_TIMER_H
#define AW_ACTOR_TIMER_H

#include "actor/system.h"

/* The wheel's resolution: timers fire at most one tick late. */
#define AW__TIMER_TICK_NS 1000000u
/* Slots of the wheel: one turn covers AW__TIMER_WHEEL ticks; later timers
 * wait in their slot for further turns. */
#define AW__TIMER_WHEEL 1024u

#endif
