"""Reading responses the way a browser does, streamed or not."""


def body(response) -> str:
    """The whole text of a response; a streamed one is read to its end (its queries run then)."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()
