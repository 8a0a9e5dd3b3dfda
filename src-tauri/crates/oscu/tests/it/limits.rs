//! What the client refuses to do with the communication key: send it in clear text across a
//! network, follow a redirect with it, or read an answer without bound.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use oscu::{Client, ClientConfig, CmcKey, Error, FrontDoor, MAX_ANSWER_BYTES};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

fn client(base: &str) -> oscu::Result<Client> {
    let mut config = ClientConfig::new(FrontDoor::Direct { base_url: base.to_owned() }, "P600004575A", "00");
    config.cmc_key = Some(CmcKey::new("CMCKEY-7f3a9b2c4d"));
    config.timeout = Duration::from_secs(10);
    Client::new(config)
}

/// A server that reads one request and writes `head` then `body_chunks` (each written as is).
async fn one_answer(head: String, body_chunks: Vec<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let _ = socket.read(&mut buf).await;
        socket.write_all(head.as_bytes()).await.unwrap();
        for chunk in body_chunks {
            if socket.write_all(&chunk).await.is_err() {
                return;
            }
        }
    });
    format!("http://{addr}")
}

#[test]
fn plain_http_is_only_for_this_computer() {
    for refused in ["http://192.0.2.10/etims-api", "http://etims-api-sbx.kra.go.ke/etims-api", "ftp://127.0.0.1/x"] {
        let e = client(refused).unwrap_err();
        assert!(matches!(&e, Error::Config { reason } if reason.contains("https://")), "{refused}: {e:?}");
    }
    for allowed in [
        "https://etims-api-sbx.kra.go.ke/etims-api",
        "http://127.0.0.1:8088/x",
        "http://localhost:1",
        "http://[::1]:9/x",
    ] {
        client(allowed).unwrap_or_else(|e| panic!("{allowed}: {e}"));
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_key_goes_nowhere_else() {
    let elsewhere = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = elsewhere.local_addr().unwrap();
    let contacted = Arc::new(AtomicBool::new(false));
    let seen = contacted.clone();
    tokio::spawn(async move {
        if elsewhere.accept().await.is_ok() {
            seen.store(true, Ordering::SeqCst);
        }
    });
    let head = format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: http://{target}/steal\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    let base = one_answer(head, vec![]).await;
    let e = client(&base).unwrap().select_notices("20180101000000").await.unwrap_err();
    assert!(
        matches!(&e, Error::HttpStatus { status: 307, message, .. } if message.contains("does not follow redirects")),
        "{e:?}"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!contacted.load(Ordering::SeqCst), "the redirect target was contacted");
}

#[tokio::test]
async fn an_answer_larger_than_the_cap_is_refused() {
    // Announced too large.
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        MAX_ANSWER_BYTES + 1
    );
    let base = one_answer(head, vec![]).await;
    let e = client(&base).unwrap().select_notices("20180101000000").await.unwrap_err();
    assert!(matches!(&e, Error::DecodeResponse { reason, .. } if reason.contains("larger than")), "{e:?}");

    // Streamed without a length, past the cap.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_owned();
    let mib = 1 << 20;
    let mut chunk = format!("{mib:x}\r\n").into_bytes();
    chunk.extend(std::iter::repeat_n(b' ', mib));
    chunk.extend_from_slice(b"\r\n");
    let chunks = vec![chunk; MAX_ANSWER_BYTES / mib + 2];
    let base = one_answer(head, chunks).await;
    let e = client(&base).unwrap().select_notices("20180101000000").await.unwrap_err();
    assert!(matches!(&e, Error::DecodeResponse { reason, .. } if reason.contains("larger than")), "{e:?}");
}
