//! Entry point of the SPA binary that trunk builds for wasm32.

fn main() {
    voice_portal::mount();
}
