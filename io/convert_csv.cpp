// CSV → HDF5: one sample per row.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>

#include "io/converters.hpp"
#include "io/dataset_writer.hpp"
#include "io/input_file.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

// Splits a line on `delimiter`, trimming spaces and a trailing '\r'; with a delimiter other than
// ',' a decimal comma becomes a point.
std::vector<std::string> fields(const std::string& line, char delimiter) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(delimiter, start);
    std::string f =
        line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t a = f.find_first_not_of(" \t\r"), b = f.find_last_not_of(" \t\r");
    out.push_back(a == std::string::npos ? "" : f.substr(a, b - a + 1));
    if (delimiter != ',' && out.back().find('.') == std::string::npos) {
      const size_t decimal = out.back().find(',');
      if (decimal != std::string::npos) out.back()[decimal] = '.';
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// European spreadsheets write "0,5;0,25": a ';' in the first line means it separates.
char find_delimiter(const std::string& first_line) {
  if (first_line.find(';') != std::string::npos) return ';';
  if (first_line.find('\t') != std::string::npos) return '\t';
  return ',';
}

bool parse_number(const std::string& s, double& v) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno != ERANGE;
}

}  // namespace

ConvertSummary convert_csv(const std::string& csv, const CsvOptions& options,
                           const std::string& out, const StorageOptions& storage) {
  expect_regular_input(csv, "", "a CSV file");
  std::ifstream in(csv);
  if (!in) throw UserError(csv + ": no such file (expected a CSV file)");
  std::string line;
  int64_t line_no = 0, columns = -1, label_col = -1;
  std::unique_ptr<DatasetWriter> writer;
  ConvertSummary summary;
  std::vector<float> values;
  char delimiter = options.delimiter;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!delimiter) delimiter = find_delimiter(line);
    std::vector<std::string> f = fields(line, delimiter);
    const std::string where = csv + " line " + std::to_string(line_no);
    double first;
    if (columns < 0 && !parse_number(f[0], first) && !writer && line_no == 1) continue;  // header
    if (columns < 0) {
      columns = static_cast<int64_t>(f.size());
      if (options.label_column) {
        label_col =
            *options.label_column < 0 ? columns + *options.label_column : *options.label_column;
        if (label_col < 0 || label_col >= columns)
          throw UserError(where + ": label column " + std::to_string(*options.label_column) +
                          " but the row has " + std::to_string(columns) + " columns");
      }
      const int64_t d = columns - (label_col >= 0 ? 1 : 0);
      if (d < 1)
        throw UserError(where + ": no value columns (" + std::to_string(columns) +
                        " column(s) separated by '" +
                        (delimiter == '\t' ? "\\t" : std::string(1, delimiter)) +
                        "', one of them the label); choose the separator with --delimiter");
      const auto& s = options.sample_shape;
      if (s.empty()) {
        summary.sample_shape = Shape{d};
      } else if (s.size() == 3 && s[0] * s[1] * s[2] == d) {
        summary.sample_shape = Shape{s[0], s[1], s[2]};
      } else {
        throw UserError(where + ": rows of " + std::to_string(d) +
                        " values cannot be samples of the requested shape; expected C*H*W "
                        "values");
      }
      summary.type = "float32";
      summary.labels = label_col >= 0;
      writer = std::make_unique<DatasetWriter>(out, summary.sample_shape, SampleType::kFloat32,
                                               summary.labels, csv, storage);
      values.resize(d);
    }
    if (static_cast<int64_t>(f.size()) != columns)
      throw UserError(where + ": " + std::to_string(f.size()) + " columns; expected " +
                      std::to_string(columns) + " like the first row");
    int label = 0;
    size_t k = 0;
    for (int64_t c = 0; c < columns; ++c) {
      double v;
      if (!parse_number(f[c], v) || !std::isfinite(v))
        throw UserError(where + ", column " + std::to_string(c) + ": '" + f[c] +
                        "' is not a finite number (columns separated by '" +
                        (delimiter == '\t' ? "\\t" : std::string(1, delimiter)) +
                        "'; --delimiter chooses another)");
      if (c == label_col) {
        if (v != std::floor(v))
          throw UserError(where + ", column " + std::to_string(c) + ": label '" + f[c] +
                          "' is not an integer");
        if (std::fabs(v) > std::numeric_limits<int32_t>::max())
          throw UserError(where + ", column " + std::to_string(c) + ": label '" + f[c] +
                          "' is out of range; expected a 32-bit integer");
        label = static_cast<int>(v);
      } else {
        values[k++] = static_cast<float>(v);
      }
    }
    writer->append(values.data(), 1, &label);
  }
  if (!writer) throw UserError(csv + ": no data rows");
  summary.samples = writer->rows();
  summary.delimiter = delimiter;
  writer->close();
  return summary;
}

}  // namespace latent
