"""The live preview for editors (``archive-tool serve``): build, serve, watch, rebuild, reload.

``server`` serves the preview folder over HTTP and adds, to preview responses only, a small
script that reloads the page after each rebuild and shows a failed build's message in the
page (server-sent events); ``watcher`` builds the group into the preview folder with the
normal build (``pelican``, incremental), watches ``content/`` and the theme and rebuilds on
save; ``quick`` shows a saved article's page before that build ends: the rules that read the
file alone, then its page rendered by the plugin's warm site runs (the site's own Pelican
run, kept loaded in a process of its own). The build runs as the ``pelican`` command, so
what the preview shows is what the build writes. May import: ``rules`` (the per-file
rules), ``content``, ``safety``, the shared leaves.
"""
