"""Wall time of the decision-making (neurodynex3 defaults, 800 ms) and working-memory
(neurodynex3 defaults, 800 ms) networks, cold (first run in this process) and warm.
Run: python bench/bench_decisions.py"""
import time

from neurodynex_gui.models.decision_making import sim_decision_making_network
from neurodynex_gui.models.working_memory import simulate_wm

for name, run in (("decision making 384+96, 800 ms",
                   lambda s: sim_decision_making_network(max_sim_time=800.0, seed=s)),
                  ("working memory 1024+256, 800 ms",
                   lambda s: simulate_wm(sim_time=800.0, seed=s))):
    times = []
    for seed in (1, 2):
        start = time.perf_counter()
        run(seed)
        times.append(time.perf_counter() - start)
    print(f"{name}: cold {times[0]:.2f} s, warm {times[1]:.2f} s")
