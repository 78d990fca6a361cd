"""Visit figures from the web server's own access logs (issue 26; the 年度工作报表's 访问量).

Owns reading nginx access logs in the ``combined`` format, plain or gzip-rotated, bounded
(``logfiles``), one line as a request (``accesslog``), and counting page views and visitors
per site and per day, and visitors per year (``tally``). May import: ``content`` (which
site a log belongs to, by its domain) and the shared leaves.
"""
