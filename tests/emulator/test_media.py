"""Files as Telegram handles them: local mode's big files and absolute paths, recording lengths, photo limits,
group members."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import telegram
from PIL import Image
from telegram.error import BadRequest

from emulator.client import EmulatorClient
from emulator.media import audio_seconds
from emulator.server import EmulatorThread, redact
from pipegram.samples import sounds
from tests.emulator.conftest import USER, with_bot

BIG = bytes(21 * 1024 * 1024)  # over the cloud's 20 MB download limit


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bot-api-files")


@pytest.fixture(scope="module")
def shared_emu(files_dir: Path) -> Iterator[EmulatorThread]:
    """Local mode with its files on a disk the workers share."""
    with EmulatorThread(files_dir=files_dir) as server:
        yield server


@pytest.fixture(scope="module")
def remote_emu() -> Iterator[EmulatorThread]:
    """Local mode whose disk the workers do not see: files only over HTTP."""
    with EmulatorThread(local=True) as server:
        yield server


def get_file(emu: EmulatorThread, token: str, file_id: str) -> tuple[telegram.File, bytes]:
    async def scenario(bot: telegram.Bot) -> tuple[telegram.File, bytes]:
        file = await bot.get_file(file_id)
        return file, bytes(await file.download_as_bytearray())
    return with_bot(emu, token, scenario)


def test_local_mode_hands_out_big_files_by_an_absolute_path_on_the_shared_disk(shared_emu: EmulatorThread,
                                                                               token: str, files_dir: Path) -> None:
    with EmulatorClient(shared_emu.url, token) as client:
        sent = client.send_file("audio", BIG, filename="talk.mp3", mime_type="audio/mpeg", user_id=USER)
        file, data = get_file(shared_emu, token, sent["audio"]["file_id"])
        assert file.file_path is not None and file.file_path.startswith(str(files_dir / token) + "/music/")
        assert Path(file.file_path).read_bytes() == BIG == data
        client.reset()
        assert not Path(file.file_path).exists()  # a reset bot's files go with it


def test_local_mode_without_a_shared_disk_serves_the_absolute_path_over_http(remote_emu: EmulatorThread,
                                                                             token: str) -> None:
    with EmulatorClient(remote_emu.url, token) as client:
        sent = client.send_file("voice", b"OggS not shared", filename="v.ogg", mime_type="audio/ogg", user_id=USER)
    file, data = get_file(remote_emu, token, sent["voice"]["file_id"])
    # PTB sees the path is not on this disk and asks the server's file URL for it, as with nginx beside the server.
    assert f"/file/bot{token}//var/lib/telegram-bot-api/{token}/voice/" in str(file.file_path)
    assert data == b"OggS not shared"
    # The path holds the token twice (the server keeps each bot's files in a folder named after it): logs hold neither.
    assert token not in redact(f"/file/bot{token}//var/lib/telegram-bot-api/{token}/voice/file_1.oga")


def test_the_cloud_refuses_files_over_20_mb(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    sent = client.send_file("audio", BIG, filename="talk.mp3", mime_type="audio/mpeg", user_id=USER)
    with pytest.raises(BadRequest, match="too big"):
        get_file(emu, token, sent["audio"]["file_id"])


def test_a_users_recording_shows_the_length_its_app_measured(client: EmulatorClient) -> None:
    note = sounds.encode(sounds.tone(5.2), 48_000)
    assert audio_seconds(note) == pytest.approx(5.2, abs=0.01)
    assert audio_seconds(sounds.encode(sounds.tone(2.6), 48_000, "WAV", "PCM_16")) == pytest.approx(2.6)
    vorbis = sounds.encode(sounds.tone(3.0, 44_100), 44_100, "OGG", "VORBIS")
    assert audio_seconds(vorbis) == pytest.approx(3.0, abs=0.01)
    assert audio_seconds(b"OggS" + bytes(40)) == 0.0 and audio_seconds(b"not audio") == 0.0
    measured = client.send_file("voice", note, filename="v.ogg", mime_type="audio/ogg", user_id=USER)
    assert measured["voice"]["duration"] == 5  # 0:05, as the app shows it
    told = client.send_file("voice", note, filename="v.ogg", mime_type="audio/ogg", user_id=USER, duration=9)
    assert told["voice"]["duration"] == 9


def test_a_bots_voice_note_shows_its_duration_only_when_given_or_small(emu: EmulatorThread, token: str,
                                                                       client: EmulatorClient) -> None:
    client.send_text("hi", user_id=USER)
    short = sounds.encode(sounds.tone(3.4), 48_000)
    long = sounds.encode(sounds.tone(400.0), 48_000)  # over 1 MiB

    async def scenario(bot: telegram.Bot) -> list[int]:
        sent = [await bot.send_voice(USER, short), await bot.send_voice(USER, long),
                await bot.send_voice(USER, long, duration=400)]
        return [message.voice.to_dict()["duration"] for message in sent]  # type: ignore[union-attr]
    assert with_bot(emu, token, scenario) == [3, 0, 400]  # a long one sent without duration shows 0:00


def test_get_chat_member_tells_admins_from_members(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    group = -1009
    client.send_text("hello", chat_id=group, user_id=7, member_status="creator")
    client.send_text("hello", chat_id=group, user_id=8, member_status="administrator")
    client.send_text("hello", chat_id=group, user_id=9)

    async def scenario(bot: telegram.Bot) -> list[str]:
        return [(await bot.get_chat_member(group, user)).status for user in (7, 8, 9)]
    assert with_bot(emu, token, scenario) == ["creator", "administrator", "member"]
    with pytest.raises(BadRequest, match="[Uu]ser not found"):
        with_bot(emu, token, lambda bot: bot.get_chat_member(group, 12345))


@pytest.mark.parametrize("size", [(9_000, 1_200), (2_100, 100)], ids=["sides over 10,000", "ratio over 20"])
def test_send_photo_refuses_dimensions_telegram_refuses(emu: EmulatorThread, token: str, client: EmulatorClient,
                                                        size: tuple[int, int]) -> None:
    client.send_text("hi", user_id=USER)
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, "JPEG")
    with pytest.raises(BadRequest, match="(?i)photo_invalid_dimensions"):
        with_bot(emu, token, lambda bot: bot.send_photo(USER, out.getvalue()))
