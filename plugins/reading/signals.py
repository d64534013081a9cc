from blinker import signal

# Sent once for every Markdown source, with a ``ReadSource`` whose content
# and metadata a receiver may change. It is sent where the source is
# converted: in a worker process when the sources are read in parallel, so
# a receiver must depend on nothing but the source and the settings.
source_converted = signal("reading.source_converted")
