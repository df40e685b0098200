"""Run one callable from many threads at once (each with its own database connection)."""

import threading

from django.db import connection


def run_concurrently(func, times: int) -> list:
    """`func()` from `times` threads released together; results (or raised errors) in order."""
    barrier = threading.Barrier(times)
    results: list = [None] * times

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = func()
        except Exception as error:  # handed back to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
