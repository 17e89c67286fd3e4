"""Command groups of the `rescorpus` CLI, one module per area.

Each module imports `app` and the shared helpers from `pipeline.cli` and
decorates its commands with `@app.command(...)`; `pipeline.cli` imports every
module here at start-up. Commands stay thin: parse options, call one library
function, print.
"""
