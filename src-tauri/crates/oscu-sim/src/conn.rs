//! A TCP listener whose connections a handler can reset (for the `reset` fault): the handler
//! flags its connection, and the next read or write on it fails and closes the socket with
//! SO_LINGER 0, so the client sees a TCP reset instead of an answer.

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::{extract::connect_info::Connected, serve::IncomingStream};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
};

#[derive(Debug)]
pub struct ResettableListener(pub TcpListener);

#[derive(Debug)]
pub struct ResettableStream {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

/// A handle on the connection a request came in on.
#[derive(Debug, Clone)]
pub struct ConnectionHandle {
    kill: Arc<AtomicBool>,
}

impl ConnectionHandle {
    /// Makes the connection fail with a reset instead of sending the answer.
    pub fn reset(&self) {
        self.kill.store(true, Ordering::SeqCst);
    }
}

impl axum::serve::Listener for ResettableListener {
    type Io = ResettableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (ResettableStream, SocketAddr) {
        loop {
            match self.0.accept().await {
                Ok((inner, addr)) => {
                    let _ = inner.set_nodelay(true);
                    return (ResettableStream { inner, kill: Arc::new(AtomicBool::new(false)) }, addr);
                }
                // Out of file descriptors and the like: back off briefly, as axum's own listener does.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, ResettableListener>> for ConnectionHandle {
    fn connect_info(stream: IncomingStream<'_, ResettableListener>) -> Self {
        ConnectionHandle { kill: stream.io().kill.clone() }
    }
}

impl ResettableStream {
    fn killed(&self) -> Option<io::Error> {
        if self.kill.load(Ordering::SeqCst) {
            let _ = self.inner.set_zero_linger();
            Some(io::Error::from(io::ErrorKind::ConnectionReset))
        } else {
            None
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
