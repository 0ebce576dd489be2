%% The one_for_one supervisor of bench_actor's crash-restart scenario; its one
%% child tells the driver it is up and crashes when told.
-module(bench_sup).
-behaviour(supervisor).
-export([start/2, init/1, start_crasher/1]).

start(Driver, Intensity) ->
    {ok, Pid} = supervisor:start_link(?MODULE, {Driver, Intensity}),
    unlink(Pid),
    {ok, Pid}.

init({Driver, Intensity}) ->
    Child = #{id => crasher, start => {?MODULE, start_crasher, [Driver]},
              restart => permanent, shutdown => 5000, type => worker},
    {ok, {#{strategy => one_for_one, intensity => Intensity, period => 600}, [Child]}}.

start_crasher(Driver) ->
    Pid = spawn_link(fun() -> Driver ! {ready, self()}, receive crash -> exit(crash) end end),
    {ok, Pid}.
