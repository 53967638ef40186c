"""Runs one job through its skill, in a worker's pool child, and delivers exactly one reply."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from concurrent.futures import TimeoutError as WaitedTooLong
from dataclasses import dataclass, field
from typing import Any

import redis
from celery.exceptions import SoftTimeLimitExceeded
from telegram.constants import ChatAction
from telegram.error import NetworkError, RetryAfter, TelegramError

from shared import jobstats, store
from shared.celery_app import REDELIVERY_WINDOW_S
from shared.jobs import BadJob, Job
from shared.keys import WAITING_TTL_S, attempts_key, cancelled_key, reply_claim_key, waiting_key
from shared.ratelimit import SendRateLimiter
from shared.settings import Settings
from shared.store import as_text
from shared.telegram import job_fields
from workers import delivery, handback, metrics, progress, texts
from workers.batching import Batcher
from workers.models import ModelSpec, load_pipeline, loaded_as, resolve_specs
from workers.sender import TelegramSender
from workers.skill import BadInput, Reply, Skill, SkillContext
from workers.skills import load_skill
from workers.streaming import AnswerStream

log = logging.getLogger(__name__)

CLAIM_SENDING_TTL_S = 600
MAX_ATTEMPTS = 3
HAND_BACK_WAIT_S = 1.0  # a hand-back's Telegram calls: the grace leaves seconds for handing back and exiting
PROGRESS_EDIT_S = 2.0  # at most one progress edit of a status message this often (Telegram rate-limits edits)


class DeliveryFailed(Exception):
    """Telegram could not be reached or kept refusing; the job should be retried later."""


@dataclass
class Warm:
    """One skill ready to serve: its module, model spec, loaded pipeline and, on batched workers, its batcher."""

    skill: Skill
    spec: ModelSpec
    pipe: Any
    batcher: Batcher | None = None
    loaded: str = ""  # which model (a Hub id with its commit, a folder or tiny), as announced

    def run(self, inputs: Any, deadline: float | None = None) -> Any:
        """The model's output for one job's inputs (joined with other jobs' when batching)."""
        if self.batcher is not None:
            # The threads pool has no Celery time limits: the job stops waiting at its own deadline, or when
            # its process hands its jobs back.
            try:
                deadline = time.monotonic() + self.spec.time_limit if deadline is None else deadline
                handback.raise_if_handing_back()
                return handback.result_unless_handed_back(self.batcher.submit(inputs),
                                                          max(0.0, deadline - time.monotonic()))
            except WaitedTooLong:
                raise SoftTimeLimitExceeded() from None
        [output] = self.skill.forward(self.pipe, [inputs], self.spec)
        return output


@dataclass
class WorkerState:
    """Everything a pool child keeps between jobs."""

    settings: Settings
    redis: redis.Redis
    sender: TelegramSender
    skills: dict[str, Warm] = field(default_factory=dict)

    @property
    def ctx(self) -> SkillContext:
        return SkillContext(redis=self.redis, settings=self.settings, download=self.sender.download,
                            fetch_file=self.sender.open_file)


def start(settings: Settings, skill_names: list[str], batching: bool = False) -> WorkerState:
    """Connect to Redis and Telegram and load every skill's pipeline once (with a batcher if batching)."""
    import torch

    torch.set_num_threads(torch_threads(settings))
    r = store.connect(settings.redis_url)
    state = WorkerState(settings, r, TelegramSender(settings, SendRateLimiter(r)))
    specs = resolve_specs(settings.pipegram_models, skill_names)
    for name in skill_names:
        skill, began = load_skill(name), time.perf_counter()
        pipe = load_pipeline(skill.TASK, skill.TINY_MODEL, specs[name], settings.pipegram_cache_dir,
                             getattr(skill, "load", None))
        if sample := getattr(skill, "WARMUP", None):
            skill.forward(pipe, [sample], specs[name])  # the first call pays for lazy init; not a user's job
        # On a batched worker every skill's model calls go through its batcher, one at a time (batch_size 1
        # included): jobs run in threads, and two threads in one model at once would share its tokenizer.
        state.skills[name] = Warm(skill, specs[name], pipe,
                                  make_batcher(name, skill, specs[name], pipe) if batching else None,
                                  loaded_as(specs[name]))
        metrics.model_loaded(name, time.perf_counter() - began)
        log.info("skill %s warm in %.1f s (pid %d): %s", name, time.perf_counter() - began, os.getpid(),
                 state.skills[name].loaded)
    return state


def torch_threads(settings: Settings) -> int:
    """PIPEGRAM_TORCH_THREADS, or every core but one: torch's threads wait on each other at every operation, so
    one preempted by the bot, Redis or the worker's own I/O stalls them all (measured: docs/BENCHMARKS.md)."""
    return settings.pipegram_torch_threads or thread_share(1)


def thread_share(processes: int, cores: int | None = None) -> int:
    """Torch threads for each of `processes` model-running processes on one machine: the cores this process may
    use, less one for the bot, Redis and I/O, divided among them (never fewer than one)."""
    cores = cores or len(os.sched_getaffinity(0))
    return max(1, (cores - 1) // max(1, processes))


def make_batcher(name: str, skill: Skill, spec: ModelSpec, pipe: Any) -> Batcher:
    return Batcher(name, lambda batch: skill.forward(pipe, batch, spec), spec.batch_size, spec.batch_window_ms / 1000)


def run_job(state: WorkerState, payload: Any) -> None:
    """Decode, answer once, and never raise for a bad job: the worker keeps serving."""
    try:
        job = Job.decode(payload)
    except BadJob as exc:
        # Not answered: the bot never builds such a job, so its chat id cannot be trusted either.
        log.error("rejected a job that does not fit the schema (%s); nothing was answered", exc)
        metrics.JOBS.labels("unknown", "rejected").inc()
        return
    claim = reply_claim_key(job.reply_key)
    if answered_elsewhere(state.redis, claim, job):
        log.info("job %s (%s) was already answered; skipping the redelivery", job.job_id, job.skill)
        remove_status(state, job)  # its first delivery may have died between the reply and this
        return
    if not still_wanted(state.redis, job):
        log.info("job %s (%s) was cancelled by the user; dropping it", job.job_id, job.skill)
        remove_status(state, job)
        return
    attempt = count_attempt(state.redis, job)
    fields = job_fields(job.job_id, job.skill, job.chat_id)
    log.info("job %s skill=%s chat=%s started (attempt %d)", job.job_id, job.skill, job.chat_id, attempt,
             extra=fields)
    waited, began = max(0.0, time.time() - job.created_at), time.perf_counter()
    stream = answer_stream(state, job)
    if (resumed := delivery.whole_reply(state.redis, job)) is not None:
        done = Answer(resumed, "answered")  # its model ran before; only sending the rest is left
    elif attempt <= MAX_ATTEMPTS:
        try:
            done = answer(state, job, stream)
        except handback.HandedBack:
            hand_back(state, job, stream)
            raise
    else:
        done = Answer(Reply(texts.for_language(job.language).GAVE_UP), "gave_up")
    if not deliver(state, job, done.reply, claim, stream.finish() if stream else None):
        done = dataclasses.replace(done, outcome="undeliverable")
    if not (stream and stream.started):  # a stream removed it when the answer began to show
        remove_status(state, job)
    ran = time.perf_counter() - began
    metrics.job_done(job.skill, done.outcome, waited, ran)
    try:
        jobstats.record(state.redis, job.skill, done.outcome, waited, ran)
    except redis.RedisError as exc:  # the reply is out; losing one timing must not fail the job
        log.warning("job %s: timing not recorded (%s)", job.job_id, exc)
    log.info("job %s skill=%s chat=%s %s in %.3f s (model %.3f s) after %.3f s queued", job.job_id, job.skill,
             job.chat_id, done.outcome, ran, done.model_s, waited, extra={**fields, "outcome": done.outcome})


def hand_back(state: WorkerState, job: Job, stream: AnswerStream | None) -> None:
    """The process stops before the model finished: leave the job as it was, for the worker that redoes it.
    Best effort and quick: the job goes back to its queue whatever happens here."""
    try:
        with state.redis.pipeline() as tx:
            tx.decr(attempts_key(job.job_id))  # the worker stopped, not the job failed: not an attempt
            tx.sadd(waiting_key(job.user_id), job.job_id)  # waiting again: /cancel and the cap see it
            tx.expire(waiting_key(job.user_id), WAITING_TTL_S)
            tx.execute()
        if stream and (shown := stream.finish(HAND_BACK_WAIT_S)) is not None:  # a group's half-written answer
            state.sender.delete_status(job.chat_id, shown, wait=True, timeout=HAND_BACK_WAIT_S)
    except Exception as exc:
        log.warning("job %s: handing back left something behind (%s)", job.job_id, exc)
    log.info("job %s skill=%s chat=%s handed back: this worker is stopping", job.job_id, job.skill, job.chat_id,
             extra=job_fields(job.job_id, job.skill, job.chat_id))


def tell_timed_out(settings: Settings, payload: Any) -> None:
    """After the hard time limit: the job's process is being killed mid-job (the soft limit could not stop it).
    Runs in the worker's parent process, which lives on: tell the user it took too long, remove the status."""
    try:
        job = Job.decode(payload)
    except BadJob:
        return
    log.warning("job %s (%s) hit its hard time limit; its process is killed", job.job_id, job.skill,
                extra=job_fields(job.job_id, job.skill, job.chat_id))
    r = store.connect(settings.redis_url)
    state = WorkerState(settings, r, TelegramSender(settings, SendRateLimiter(r)))
    try:
        too_slow = Reply(texts.for_language(job.language).TOO_SLOW)
        delivered = deliver(state, job, too_slow, reply_claim_key(job.reply_key))
        if job.status_message_id is not None:
            state.sender.delete_status(job.chat_id, job.status_message_id, wait=True)
        outcome, waited = "timed_out" if delivered else "undeliverable", time.time() - job.created_at
        metrics.job_done(job.skill, outcome, waited, 0.0)
        jobstats.record(r, job.skill, outcome, waited, 0.0)
    except (DeliveryFailed, TelegramError, redis.RedisError) as exc:
        log.warning("job %s: could not tell the user about the time limit (%s)", job.job_id, exc)
    finally:
        state.sender.close()
        r.close()


def still_wanted(r: redis.Redis, job: Job) -> bool:
    """Take the job off the user's waiting list; False if the user cancelled it with /cancel."""
    with r.pipeline() as tx:
        tx.srem(waiting_key(job.user_id), job.job_id)
        tx.exists(cancelled_key(job.job_id))
        _, cancelled = tx.execute()
    return not cancelled


def count_attempt(r: redis.Redis, job: Job) -> int:
    """Count this start of the job; a job redelivered after killing its worker starts again."""
    key = attempts_key(job.job_id)
    with r.pipeline() as tx:
        tx.incr(key)
        tx.expire(key, REDELIVERY_WINDOW_S)
        attempt, _ = tx.execute()
    return int(attempt)


@dataclass(frozen=True)
class Answer:
    """A job's reply, how it went (one of jobstats.OUTCOMES) and how long the model itself took."""

    reply: Reply
    outcome: str
    model_s: float = 0.0


def answer_stream(state: WorkerState, job: Job) -> AnswerStream | None:
    """A stream for a skill that shows its answer while writing it (chat); its start removes the status message."""
    warm = state.skills.get(job.skill)
    if warm is None or not getattr(warm.skill, "STREAMS", False):
        return None
    return AnswerStream(state.sender, job.chat_id, job.message_id, lambda: remove_status(state, job))


def answer(state: WorkerState, job: Job, stream: AnswerStream | None = None) -> Answer:
    """Run the skill; turn any failure into a reply the user can act on."""
    warm, words = state.skills.get(job.skill), texts.for_language(job.language)
    if warm is None:
        log.error("job %s: skill %s is not loaded on this worker", job.job_id, job.skill)
        return Answer(Reply(words.FAILED), "failed")
    action = getattr(warm.skill, "CHAT_ACTION", ChatAction.TYPING)
    deadline = time.monotonic() + warm.spec.time_limit
    ctx = dataclasses.replace(state.ctx, show_partial=stream.show if stream else None, deadline=deadline)
    try:
        with state.sender.showing(job.chat_id, action, state.settings.pipegram_chat_action_every_s), \
                progress.listening(show_progress(state, job, words.WORKING)):
            inputs = warm.skill.preprocess(job, ctx)
            began = time.perf_counter()
            output = warm.run(inputs, deadline)
            model_s = time.perf_counter() - began
            return Answer(warm.skill.postprocess(output, job, ctx), "answered", model_s)
    except handback.HandedBack:  # not a failure: the broad except below would tell the user it failed
        raise
    except BadInput as exc:
        return Answer(Reply(str(exc)), "bad_input")
    except (SoftTimeLimitExceeded, TimeoutError):
        log.warning("job %s (%s) hit its time limit", job.job_id, job.skill)
        return Answer(Reply(words.TOO_SLOW), "timed_out")
    except Exception:
        log.exception("job %s (%s) failed", job.job_id, job.skill)
        return Answer(Reply(words.FAILED), "failed")


def show_progress(state: WorkerState, job: Job, working: str) -> progress.Listener:
    """Edit the job's status message to "Working…" now, then "Working… [2/5]" as the skill reports steps."""
    status = job.status_message_id
    if status is None:
        return lambda done, total: None
    state.sender.edit_status(job.chat_id, status, working)
    return progress.throttled(lambda done, total: state.sender.edit_status(
        job.chat_id, status, f"{working} [{done}/{total}]"), PROGRESS_EDIT_S)


def remove_status(state: WorkerState, job: Job) -> None:
    """Delete the job's "queued" message once the answer is out (or the job was cancelled)."""
    if job.status_message_id is not None:
        state.sender.delete_status(job.chat_id, job.status_message_id)


def answered_elsewhere(r: redis.Redis, claim: str, job: Job) -> bool:
    """True if this message's reply was sent, or is being sent by another job for the same message.

    A claim "sending:<this job>" means an earlier delivery of this very job died mid-send: answer again.
    """
    holder = r.get(claim)
    return holder is not None and as_text(holder) != f"sending:{job.job_id}"


def deliver(state: WorkerState, job: Job, reply: Reply, claim: str, streamed: int | None = None) -> bool:
    """Send the reply (the part that did not go out before) unless another delivery of it already is; start
    any follow-ups; mark it sent. False if Telegram refused it for good: that is not retried.

    `streamed`: the group message that showed the answer while it was written; it becomes the reply's start.
    """
    sending = f"sending:{job.job_id}"
    if not state.redis.set(claim, sending, nx=True, ex=CLAIM_SENDING_TTL_S) and \
            answered_elsewhere(state.redis, claim, job):
        log.info("job %s: another delivery is already answering; skipping", job.job_id)
        return True
    sent = delivery.begin(state.redis, job, reply)
    delivered = True
    try:
        state.sender.send_reply(job.chat_id, sent.reply, reply_to=job.message_id, done=sent.sent,
                                sent_one=lambda count: delivery.count_sent(state.redis, job, count), editing=streamed)
    except delivery.PERMANENT as exc:
        refused(state, job, exc)
        delivered = False
    except (NetworkError, RetryAfter) as exc:
        state.redis.delete(claim)
        state.redis.decr(attempts_key(job.job_id))  # Telegram failed, not the worker: not an attempt
        raise DeliveryFailed(f"job {job.job_id}: Telegram did not take the reply ({exc})") from exc
    except BaseException:
        state.redis.delete(claim)
        raise
    if delivered:
        delivery.start_followups(state.redis, job, sent.reply.followups)
    state.redis.set(claim, f"sent:{job.job_id}", ex=REDELIVERY_WINDOW_S)
    delivery.finish(state.redis, job)
    return delivered


def refused(state: WorkerState, job: Job, exc: TelegramError) -> None:
    """Telegram refused the reply for good (bot blocked, chat gone, a file it will not take): log it, and say
    so in plain words where a message can still reach the chat. Never retried: it would run the model again."""
    log.warning("job %s: Telegram refused the reply for good (%s: %s); not retrying", job.job_id,
                type(exc).__name__, exc.message, extra=job_fields(job.job_id, job.skill, job.chat_id))
    if delivery.chat_reachable(exc):
        try:
            state.sender.send_text(job.chat_id, texts.for_language(job.language).NOT_DELIVERED)
        except TelegramError as again:
            log.info("job %s: the plain-text notice did not go either (%s)", job.job_id, again)
