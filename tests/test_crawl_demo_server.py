"""The bundled demo site's server answers every request with a complete HTTP response."""
from __future__ import annotations

import http.client

from pipeline.jobs.demo import DemoServer


def test_demo_server_404_page_with_a_vietnamese_reason_is_a_real_response():
    with DemoServer() as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.httpd.server_address[1], timeout=10)
        try:
            connection.request("GET", "/khong-co-trang-nay")
            response = connection.getresponse()  # an empty reply raised RemoteDisconnected here
            body = response.read().decode("utf-8")
        finally:
            connection.close()
    assert response.status == 404
    assert "Không tìm thấy trang" in body
    assert response.getheader("Content-Type", "").startswith("text/html")
