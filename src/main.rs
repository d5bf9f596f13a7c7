// mimalloc: a generate allocates millions of small strings and frees them in bursts; with
// glibc's allocator a 10,000-account run spent about a fifth of its CPU time in malloc/free.
// Numbers: README, "where the time goes" (scripts/bench.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(landform::run(std::env::args_os()));
}
