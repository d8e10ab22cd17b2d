#include "io/file_info.hpp"

#include <sstream>
#include <vector>

#include "io/hdf5_attributes.hpp"
#include "io/hdf5_handle.hpp"

namespace latent {
namespace {

struct Object {
  std::string path;
  H5O_type_t type;
};

herr_t collect(hid_t, const char* name, const H5O_info_t* info, void* out) {
  std::string path = std::string(name) == "." ? "/" : "/" + std::string(name);
  static_cast<std::vector<Object>*>(out)->push_back({path, info->type});
  return 0;
}

std::string dims_str(const std::vector<int64_t>& d) {
  std::string s = "(";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + (d.size() == 1 ? ",)" : ")");
}

std::string storage(hid_t ds) {
  h5::Handle dcpl = h5::plist(H5Dget_create_plist(ds), "H5Dget_create_plist");
  H5D_layout_t layout = H5Pget_layout(dcpl.get());
  if (layout == H5D_COMPACT) return "compact";
  if (layout != H5D_CHUNKED) return "contiguous";
  hsize_t chunk[H5S_MAX_RANK];
  int rank = H5Pget_chunk(dcpl.get(), H5S_MAX_RANK, chunk);
  std::string s = "chunks " + dims_str(std::vector<int64_t>(chunk, chunk + rank));
  const int filters = H5Pget_nfilters(dcpl.get());
  for (int i = 0; i < filters; ++i) {
    unsigned flags = 0, values[8] = {};
    size_t n = 8;
    char name[64] = {};
    H5Z_filter_t f = H5Pget_filter2(dcpl.get(), i, &flags, &n, values, sizeof(name), name, nullptr);
    if (f == H5Z_FILTER_DEFLATE) {
      s += ", gzip " + std::to_string(n > 0 ? values[0] : 0);
    } else if (f == H5Z_FILTER_SHUFFLE) {
      s += ", shuffle";
    } else {
      s += std::string(", ") + (name[0] ? name : "filter " + std::to_string(f));
    }
  }
  return s;
}

void attributes(std::ostream& out, hid_t obj) {
  for (const std::string& key : h5::attribute_names(obj)) {
    std::string value = h5::attribute_text(obj, key);
    size_t newline = value.find('\n');
    if (newline != std::string::npos)
      value = value.substr(0, newline) + " ... (" + std::to_string(value.size()) + " chars)";
    out << "    @" << key << " = " << value << "\n";
  }
}

}  // namespace

std::string describe_file(const std::string& path) {
  h5::Handle file = h5::open_file_readonly(path);
  std::vector<Object> objects;
  H5Ovisit2(file.get(), H5_INDEX_NAME, H5_ITER_INC, collect, &objects, H5O_INFO_BASIC);

  std::ostringstream out;
  out << path << "\n";
  if (h5::exists(file.get(), "/meta")) {
    h5::Handle meta = h5::group(H5Gopen2(file.get(), "/meta", H5P_DEFAULT), "H5Gopen2 /meta");
    std::string line = "checkpoint:";
    for (const char* key : {"model", "arch", "step", "epoch", "world_size"})
      if (H5Aexists(meta.get(), key) > 0)
        line += std::string(" ") + key + " " + h5::attribute_text(meta.get(), key) + ",";
    if (line.back() == ',') line.pop_back();
    out << "  " << line << "\n";
  }
  for (const Object& o : objects) {
    if (o.type == H5O_TYPE_GROUP) {
      h5::Handle g = h5::group(H5Gopen2(file.get(), o.path.c_str(), H5P_DEFAULT), o.path);
      // Groups only matter for their attributes (/meta); datasets show their full paths.
      if (h5::attribute_names(g.get()).empty()) continue;
      out << "  " << o.path << (o.path == "/" ? "\n" : "/\n");
      attributes(out, g.get());
    } else if (o.type == H5O_TYPE_DATASET) {
      h5::Handle ds = h5::dataset(H5Dopen2(file.get(), o.path.c_str(), H5P_DEFAULT), o.path);
      h5::Handle type = h5::datatype(H5Dget_type(ds.get()), "H5Dget_type");
      out << "  " << o.path << "  " << h5::type_name(type.get()) << " "
          << dims_str(h5::dims(ds.get())) << "  " << storage(ds.get()) << "\n";
      attributes(out, ds.get());
    }
  }
  return out.str();
}

}  // namespace latent
