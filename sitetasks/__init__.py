"""What the invoke tasks in tasks.py need beyond calling Pelican: one build
at a time, output/ replaced in one step, serving it, the preview's builds."""
