// A main() for the fuzz targets without libFuzzer: runs every file named on the command line,
// or found in a directory named there, through LLVMFuzzerTestOneInput once. Builds with any
// compiler, so the seed corpus and the crash regressions are checked by every build.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

bool run_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A heap copy of exactly the file's size, so ASan sees reads past the end.
  std::vector<uint8_t> input(bytes.begin(), bytes.end());
  std::fprintf(stderr, "running %s (%zu octets)\n", path.c_str(), input.size());
  LLVMFuzzerTestOneInput(input.data(), input.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) {
        ok = run_file(f) && ok;
        ++count;
      }
    } else if (fs::exists(arg, ec)) {
      ok = run_file(arg) && ok;
      ++count;
    } else {
      std::fprintf(stderr, "%s does not exist, skipped\n", argv[i]);
    }
  }
  std::printf("%zu inputs replayed\n", count);
  return ok ? 0 : 1;
}
