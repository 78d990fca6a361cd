"""Publishing safety (第十条（二）（三）): nothing secret, personal or executable is published.

Owns the detectors of citizens' personal numbers (``numbers``: python-stdnum check
digits, phonenumbers), 密级 and internal-document markings (``markings``) and the group's
lexicons of 敏感词 and 严重表述错误 (``lexicon``: pyahocorasick); the attachment types a site may
publish, checked by content (``filetypes``); bounded text extraction from attachments
(``extract``, with ``bounds`` and the readers ``office``: python-docx, openpyxl;
``pdftext``: pypdf; ``imagetext``: Pillow; RTF: striprtf); the 保密审查 that accepts a
finding (``review``); text as a reader sees it, for the detectors (``normalise``); the
scan of what editors wrote (``scan``); the last gate over every file about to be
published, whatever wrote it (``gate``); how a citizen's letter is published
(``citizens``); and the HTML allowlist for article bodies (``html``: nh3). May import:
``content`` and the shared leaves; the group check calls the scan, the Pelican plugin
calls the sanitiser.
"""
