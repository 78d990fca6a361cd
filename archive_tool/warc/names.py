"""WARC 1.1 record types, header names and suffixes, spelled as the standard spells them."""

WARC_VERSION = "1.1"

WARCINFO = "warcinfo"
REQUEST = "request"
RESPONSE = "response"
REVISIT = "revisit"
RESOURCE = "resource"
METADATA = "metadata"

TYPE = "WARC-Type"
RECORD_ID = "WARC-Record-ID"
DATE = "WARC-Date"
TARGET_URI = "WARC-Target-URI"
CONCURRENT_TO = "WARC-Concurrent-To"
PAYLOAD_DIGEST = "WARC-Payload-Digest"
BLOCK_DIGEST = "WARC-Block-Digest"
IP_ADDRESS = "WARC-IP-Address"
REFERS_TO_URI = "WARC-Refers-To-Target-URI"
REFERS_TO_DATE = "WARC-Refers-To-Date"

OPEN_SUFFIX = ".open"
