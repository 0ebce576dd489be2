%% The actor benchmark's scenarios in Erlang/OTP, for comparison with
%% bench/actor/bench_actor.c (which runs this and prints both side by side).
%% Prints one "key value" line per figure, each the median of 5 runs.
-module(bench_actor).
-export([main/0]).

-define(RUNS, 5).

main() ->
    logger:set_primary_config(level, none),
    report(ff1, median([ff(1, 4000000) || _ <- runs()])),
    report(ff2, median([ff(2, 4000000) || _ <- runs()])),
    report(pingpong_ns, median([pingpong(300000) || _ <- runs()])),
    report(call_ns, median([call(300000) || _ <- runs()])),
    Spawns = [spawn_bench(100000) || _ <- runs()],
    report(spawn_ns, median([T || {T, _} <- Spawns])),
    report(spawn_bytes, median([M || {_, M} <- Spawns])),
    %% OTP's supervisor keeps every restart of the period in a list it scans at
    %% each restart (a cycle costs ~9 us at 200 cycles, ~27 us at 1000,
    %% ~126 us at 5000 here), so the cycles stay few.
    report(restart_ns, median([crash_restart(200) || _ <- runs()])).

runs() -> lists:seq(1, ?RUNS).

report(Key, Value) -> io:format("~s ~.3f~n", [Key, float(Value)]).

median(L) ->
    S = lists:sort(L),
    N = length(S),
    case N rem 2 of
        1 -> lists:nth(N div 2 + 1, S);
        0 -> (lists:nth(N div 2, S) + lists:nth(N div 2 + 1, S)) / 2
    end.

now_ns() -> erlang:monotonic_time(nanosecond).

%% Fire-and-forget: Senders processes -> one receiver; M msg/s.
ff(Senders, Total) ->
    Self = self(),
    Sink = spawn(fun() -> sink(Total, Self) end),
    T0 = now_ns(),
    [spawn(fun() -> send_loop(Sink, Total div Senders) end) || _ <- lists:seq(1, Senders)],
    receive {done, T1} -> Total / ((T1 - T0) / 1.0e9) / 1.0e6 end.

sink(0, Parent) -> Parent ! {done, now_ns()};
sink(N, Parent) -> receive _ -> sink(N - 1, Parent) end.

send_loop(_, 0) -> ok;
send_loop(Pid, N) -> Pid ! data, send_loop(Pid, N - 1).

%% Ping-pong: ns per round trip.
pingpong(Rounds) ->
    Self = self(),
    Pong = spawn(fun pong/0),
    T0 = now_ns(),
    spawn(fun() -> ping(Pong, Rounds), Self ! {done, now_ns()} end),
    receive {done, T1} -> exit(Pong, kill), (T1 - T0) / Rounds end.

ping(_, 0) -> ok;
ping(Pong, N) -> Pong ! {self(), ball}, receive ball -> ping(Pong, N - 1) end.

pong() -> receive {From, ball} -> From ! ball, pong() end.

%% Request/reply: gen_server:call round trip in ns.
call(Calls) ->
    {ok, Server} = gen_server:start(bench_server, [], []),
    Self = self(),
    T0 = now_ns(),
    spawn(fun() -> call_loop(Server, Calls), Self ! {done, now_ns()} end),
    receive {done, T1} -> gen_server:stop(Server), (T1 - T0) / Calls end.

call_loop(_, 0) -> ok;
call_loop(Server, N) -> N1 = N + 1, N1 = gen_server:call(Server, N), call_loop(Server, N - 1).

%% Spawn: ns per spawn and bytes of process memory per idle process.
spawn_bench(N) ->
    erlang:garbage_collect(),
    M0 = erlang:memory(processes),
    T0 = now_ns(),
    Pids = spawn_idle(N, []),
    T1 = now_ns(),
    M1 = erlang:memory(processes),
    [exit(P, kill) || P <- Pids],
    {(T1 - T0) / N, (M1 - M0) / N}.

spawn_idle(0, Acc) -> Acc;
spawn_idle(N, Acc) -> spawn_idle(N - 1, [spawn(fun idle/0) | Acc]).

idle() -> receive stop -> ok end.

%% Crash and restart under a one_for_one supervisor: ns per cycle.
%% Timed from the first child up, as on the C side.
crash_restart(Cycles) ->
    Self = self(),
    Driver = spawn(fun() -> drive(Cycles + 1, undefined, Self) end),
    {ok, Sup} = bench_sup:start(Driver, Cycles + 10),
    receive {done, T0, T1} ->
        unlink(Sup), exit(Sup, kill),
        (T1 - T0) / Cycles
    end.

drive(N, T0, Parent) ->
    receive
        {ready, _} when N =:= 1 -> Parent ! {done, T0, now_ns()};
        {ready, Pid} when T0 =:= undefined -> Pid ! crash, drive(N - 1, now_ns(), Parent);
        {ready, Pid} -> Pid ! crash, drive(N - 1, T0, Parent)
    end.
