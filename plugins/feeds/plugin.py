from pelican import signals


def complete_feed(context, feed):
    feed.feed["language"] = context.get("DEFAULT_LANG")
    if not feed.feed.get("description"):
        feed.feed["description"] = context.get("SITESUBTITLE") or context.get("SITENAME")
    # Each feed is its own document: its id is its own address.
    feed.feed["id"] = feed.feed["feed_url"]
    for item in feed.items:
        # Pelican's unique ids are tag: URIs, stable but not addresses.
        item["unique_id_is_permalink"] = False


def register():
    signals.feed_generated.connect(complete_feed)
