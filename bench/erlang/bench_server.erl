%% The request/reply server of bench_actor: replies N + 1.
-module(bench_server).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2]).

init([]) -> {ok, nostate}.
handle_call(N, _From, S) -> {reply, N + 1, S}.
handle_cast(_, S) -> {noreply, S}.
