"""Virus scanning against a real clamd started for the tests (see servers.py)."""

import socket
import threading

import pytest

from doorstep.evidence import scanning
from doorstep.evidence.scanning import ScanResult, ScanUnavailable, parse_reply, ping, scan

from . import hostile


def test_not_configured_means_not_scanned(settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    assert scan(hostile.EICAR) == ScanResult(scanned=False, clean=True, signature=None)
    assert ping() is False


def test_eicar_is_found(clamd):
    result = scan(hostile.eicar().data)
    assert result.scanned is True
    assert result.clean is False
    assert result.signature.startswith("Eicar-Test-Signature")


def test_eicar_inside_a_pdf_is_found(clamd):
    result = scan(hostile.eicar_in_pdf().data)
    assert (result.scanned, result.clean) == (True, False)
    assert "Eicar" in result.signature


@pytest.mark.parametrize("sample", [hostile.plain_pdf, hostile.jpeg_with_gps_and_orientation])
def test_clean_files_pass(clamd, sample):
    assert scan(sample().data) == ScanResult(scanned=True, clean=True, signature=None)


def test_a_file_bigger_than_one_chunk_is_scanned_whole(clamd):
    # EICAR after 1 MB of padding: only found if every chunk reached clamd.
    data = b"\x00" * (1024 * 1024 + 7) + hostile.EICAR
    assert scan(data).clean is False
    assert scan(b"\x00" * (1024 * 1024 + 7)).clean is True


def test_scanning_over_tcp(clamd, settings):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST, settings.CLAMD_PORT = clamd.host, clamd.port
    assert scan(hostile.EICAR).clean is False
    assert scan(b"hello").clean is True
    assert ping() is True


def test_ping(clamd):
    assert ping() is True


def test_a_dead_socket_is_unavailable_not_clean(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listening.sock")
    with pytest.raises(ScanUnavailable, match="Could not reach clamd"):
        scan(b"hello")
    assert ping() is False


def test_a_closed_tcp_port_is_unavailable(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", port
    with pytest.raises(ScanUnavailable):
        scan(b"hello")


def test_a_server_that_never_answers_times_out(settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []

    def accept():
        connection, _ = listener.accept()
        accepted.append(connection)  # read nothing, answer nothing

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST, settings.CLAMD_PORT = listener.getsockname()
    settings.CLAMD_TIMEOUT = 0.5
    try:
        with pytest.raises(ScanUnavailable):
            scan(b"x" * 100)
    finally:
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        listener.close()


def test_a_file_over_clamds_stream_limit_is_unavailable(clamd):
    # The test clamd takes at most 30 MB a stream (StreamMaxLength); it hangs up past that.
    with pytest.raises(ScanUnavailable):
        scan(b"\x00" * (31 * 1024 * 1024))
    assert scan(b"fine").clean is True  # and it is still serving


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("stream: OK", ScanResult(True, True, None)),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", ScanResult(True, False, "Win.Test.EICAR_HDB-1")),
    ],
)
def test_parse_reply(reply, expected):
    assert parse_reply(reply) == expected


@pytest.mark.parametrize(
    "reply", ["INSTREAM size limit exceeded. ERROR", "", "stream: something odd", "UNKNOWN"]
)
def test_replies_that_are_not_verdicts_are_unavailable(reply):
    with pytest.raises(ScanUnavailable):
        parse_reply(reply)


def test_is_configured(settings):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = "", ""
    assert scanning.is_configured() is False
    settings.CLAMD_HOST = "clamav.internal"
    assert scanning.is_configured() is True


def test_healthz_reports_the_virus_scanner(db, client, clamd):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["virus_scanner"]["ok"] is True


def test_healthz_fails_when_the_configured_scanner_is_down(db, client, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["virus_scanner"]["ok"] is False
