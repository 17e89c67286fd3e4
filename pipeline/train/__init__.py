"""Fitting the project's small learned models from the development data in ../shared/devset.

Nothing in the pipeline's stages imports this package: they read the fitted weights shipped under
`pipeline/data/`. Each module here rebuilds one of those files byte for byte (fixed seeds, rounded
weights) and measures it on data it was not fitted on.
"""
