"""Tasks done in forked processes, results taken in order, and no way to wait on the dead.

``multiprocessing.Pool`` (and ``concurrent.futures``) share one task queue and one result
queue between all processes, each guarded by a lock that is a semaphore: a process killed
while it holds one (an idle Pool process holds the task queue's while it waits for a task;
a busy one the result queue's while it writes a large result) never releases it. The
others then wait on it forever, and so does the parent (``Pool.terminate`` takes the task
queue's lock; a task the dead process had taken never comes back to ``imap``).

Here each process has its own two pipes and nothing else is shared. Tasks go round robin
and results come back in the same order; a process gets its next task only once the
parent has its last result, so neither side ever writes to a pipe the other is not about
to read. A process that dies closes the only write end of its result pipe: the parent
reads an end of file, not a wait, and ends the run with ``WorkerDied``. Every process ends
with the parent (``parallel.become_worker``), however the parent ends.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Self

from .parallel import WorkerDied, become_worker, exit_reason

JOIN_SECONDS = 5.0  # a process told to stop (or killed) ends within this; else it is killed


def _serve(
    work: Callable,
    tasks: Connection,
    results: Connection,
    inherited: list[Connection],
    parent: int,
) -> None:
    become_worker(parent)
    for connection in inherited:  # the parent's ends of earlier processes' pipes
        connection.close()
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            reply = ("ok", work(task))
        except Exception as error:  # noqa: BLE001 — reported to the parent, not printed here
            reply = ("error", f"{error.__class__.__name__}: {error}")
        try:
            results.send(reply)
        except OSError:  # the parent is gone
            return


class OrderedPool:
    """``processes`` forked processes doing ``work(task)``; ``imap`` yields results in order.

    Use as a context manager: leaving it (normally or by an exception) stops the processes,
    waiting at most JOIN_SECONDS each before killing them.
    """

    def __init__(self, processes: int, work: Callable):
        context = multiprocessing.get_context("fork")
        self._processes = []
        self._tasks: list[Connection] = []
        self._results: list[Connection] = []
        parent = os.getpid()
        try:
            for _ in range(processes):
                task_reader, task_writer = context.Pipe(duplex=False)
                result_reader, result_writer = context.Pipe(duplex=False)
                process = context.Process(
                    target=_serve,
                    args=(work, task_reader, result_writer, self._tasks + self._results, parent),
                    daemon=True,
                )
                process.start()
                task_reader.close()  # the process's ends: only it holds them now
                result_writer.close()
                self._processes.append(process)
                self._tasks.append(task_writer)
                self._results.append(result_reader)
        except BaseException:
            self.close(stop=False)
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(stop=kind is None)

    def imap(self, tasks: Iterable) -> Iterator:
        """The result of each task, in the order of ``tasks``; WorkerDied if a process dies."""
        tasks = iter(tasks)
        count = len(self._processes)
        given = 0
        for index in range(count):  # one task each to start
            task = next(tasks, None)
            if task is None:
                break
            self._give(index, task)
            given += 1
        taken = 0
        while taken < given:
            index = taken % count
            result = self._take(index)
            taken += 1
            task = next(tasks, None)  # before the result is used: the process waits for it
            if task is not None:
                self._give(index, task)
                given += 1
            yield result

    def _give(self, index: int, task) -> None:
        try:
            self._tasks[index].send(task)
        except OSError:
            raise self._died(index) from None

    def _take(self, index: int):
        try:
            status, value = self._results[index].recv()
        except (EOFError, OSError):
            raise self._died(index) from None
        if status != "ok":
            raise WorkerDied(f"工作进程 {self._processes[index].pid} 出错：{value}")
        return value

    def _died(self, index: int) -> WorkerDied:
        process = self._processes[index]
        process.join(JOIN_SECONDS)
        why = exit_reason(process.exitcode)
        return WorkerDied(f"工作进程 {process.pid} 意外终止（{why}），其余进程已停止")

    def close(self, stop: bool = True) -> None:
        """Stop the processes: asked to (``stop``), else killed; none is waited on forever."""
        for connection, process in zip(self._tasks, self._processes):
            if stop and process.is_alive():
                try:
                    connection.send(None)
                except OSError:
                    pass
            else:
                process.kill()
        for connection in self._tasks + self._results:
            connection.close()
        for process in self._processes:
            process.join(JOIN_SECONDS)
            if process.is_alive():
                process.kill()
                process.join(JOIN_SECONDS)
