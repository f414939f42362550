"""The indicator definitions as data (indicators.json), shipped beside the code."""
