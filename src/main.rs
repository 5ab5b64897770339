fn main() {
    std::process::exit(lbplan::cli::main());
}
