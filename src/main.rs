fn main() {
    std::process::exit(landform::cli::run(std::env::args_os()));
}
