#!/usr/bin/env escript
%%! +S 2 +P 2000000
%% Erlang/OTP equivalents of bench_component's figures, printed beside ours:
%% a process stands for a component, 2 schedulers for the 2 workers.
%% Each messaging figure is the best of three runs.
%%   cast throughput   one process floods another with N messages
%%   ping-pong         a message and its answer between two processes
%%   request/response  a ref-tagged request and its answer (selective receive)
%%   call              gen_server:call (the gen_server call protocol)
%%   spawn / idle      N processes blocked in receive: spawn time each, and
%%                     erlang:memory(processes) growth per process
%% usage: escript components.escript [--quick] [--max N]
-mode(compile).

main(Args) ->
    Quick = lists:member("--quick", Args),
    Max = max_of(Args, case Quick of true -> 1000; false -> 100000 end),
    {Casts, Trips} = case Quick of true -> {100000, 20000}; false -> {1000000, 100000} end,
    io:format("Erlang/OTP ~s, ~b schedulers~n",
              [erlang:system_info(otp_release), erlang:system_info(schedulers_online)]),
    cast(Casts div 10),
    line("cast throughput, process -> process", Casts / (best(fun cast/1, Casts) / 1.0e9) / 1.0e6,
         "M msg/s"),
    pingpong(Trips div 10),
    line("ping-pong round trip (send, send back)", best(fun pingpong/1, Trips) / Trips / 1.0e3,
         "us"),
    request(Trips div 10),
    line("request/response round trip (ref, receive)", best(fun request/1, Trips) / Trips / 1.0e3,
         "us"),
    call(Trips div 10),
    line("call round trip (gen_server:call)", best(fun call/1, Trips) / Trips / 1.0e3, "us"),
    io:format("~nidle processes~n"),
    [idle(N) || N <- [1000, 10000, 100000], N =< Max],
    ok.

%% Best of three runs, as bench_component does (the machine may be shared).
best(Run, N) -> lists:min([Run(N) || _ <- [1, 2, 3]]).

max_of(["--max", N | _], _) -> list_to_integer(N);
max_of([_ | Rest], Default) -> max_of(Rest, Default);
max_of([], Default) -> Default.

line(What, Value, Unit) ->
    io:format("~-44s ~12.3f ~s~n", [What, Value, Unit]).

now_ns() -> erlang:monotonic_time(nanosecond).

cast(N) ->
    Self = self(),
    Receiver = spawn(fun() -> count(N, Self) end),
    T0 = now_ns(),
    spawn(fun() -> flood(Receiver, N) end),
    receive done -> now_ns() - T0 end.

count(0, Parent) -> Parent ! done;
count(N, Parent) -> receive f -> count(N - 1, Parent) end.

flood(_, 0) -> ok;
flood(To, N) -> To ! f, flood(To, N - 1).

pingpong(N) ->
    Self = self(),
    Ponger = spawn(fun pong/0),
    T0 = now_ns(),
    spawn(fun() -> ping(Ponger, N), Self ! done end),
    receive done -> Ponger ! stop, now_ns() - T0 end.

ping(_, 0) -> ok;
ping(Ponger, N) -> Ponger ! {ping, self()}, receive pong -> ping(Ponger, N - 1) end.

pong() ->
    receive {ping, From} -> From ! pong, pong(); stop -> ok end.

request(N) ->
    Self = self(),
    Server = spawn(fun serve/0),
    T0 = now_ns(),
    spawn(fun() -> ask(Server, N), Self ! done end),
    receive done -> Server ! stop, now_ns() - T0 end.

ask(_, 0) -> ok;
ask(Server, N) ->
    Ref = make_ref(),
    Server ! {request, self(), Ref},
    receive {Ref, _Answer} -> ask(Server, N - 1) end.

serve() ->
    receive {request, From, Ref} -> From ! {Ref, ok}, serve(); stop -> ok end.

%% gen_server:call against a process speaking the gen_server call protocol
%% (an escript cannot name itself as a gen_server callback module).
call(N) ->
    Server = spawn(fun call_server/0),
    Self = self(),
    T0 = now_ns(),
    spawn(fun() -> calls(Server, N), Self ! done end),
    receive done -> Server ! stop, now_ns() - T0 end.

calls(_, 0) -> ok;
calls(Server, N) -> ok = gen_server:call(Server, q), calls(Server, N - 1).

call_server() ->
    receive
        {'$gen_call', From, q} -> gen_server:reply(From, ok), call_server();
        stop -> ok
    end.

idle(N) ->
    erlang:garbage_collect(),
    M0 = erlang:memory(processes),
    T0 = now_ns(),
    Pids = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, N)],
    T1 = now_ns(),
    M1 = erlang:memory(processes),
    [P ! stop || P <- Pids],
    io:format("~-28s ~8b processes: spawn ~8.3f us each, ~8.2f KiB each (memory(processes))~n",
              ["Erlang process", N, (T1 - T0) / N / 1.0e3, (M1 - M0) / N / 1024]).
