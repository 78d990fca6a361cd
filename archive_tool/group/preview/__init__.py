"""The live preview for editors (``archive-tool serve``): build, serve, watch, rebuild, reload.

``server`` serves the preview folder over HTTP and adds, to preview responses only, a small
script that reloads the page after each rebuild and shows a failed build's message in the
page (server-sent events); ``watcher`` builds the group into the preview folder with the
normal build (``pelican``, incremental), watches ``content/`` and the theme and rebuilds on
save. Neither imports the other parts of ``group``: the build runs as the ``pelican``
command, so what the preview shows is exactly what the build writes. May import: the
shared leaves.
"""
