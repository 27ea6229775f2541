//! Entry point of the check worker that trunk builds beside the SPA
//! (`index.html`, `data-type="worker"`): it checks chosen files off the
//! page's thread. See `voice_portal::check_worker`.

fn main() {
    voice_portal::check_worker::serve_page();
}
