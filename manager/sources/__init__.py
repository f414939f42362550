"""The link from the provincial source information system: adapters, inbox, poller.

A *source* is a row in the `sources` table naming an *adapter* (a module in
this package, registered in `registry`) and its address. The poller asks
each adapter for `InboundItem`s; `inbox.receive` stores each one once and,
per the source's mode, waits for an editor or publishes it (CAP messages as
emergency alerts, news into a playlist). A provincial system may also push
CAP messages to `POST /api/v1/sources/{id}/cap`. See docs/sources.md.
"""
