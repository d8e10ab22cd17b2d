// The kinds table: every row makes its model, the model offers exactly the capabilities its
// traits name, and its options are its own.
#include <gtest/gtest.h>

#include <set>

#include "models/model_kinds.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

ModelConfig config_of(const ModelKind& kind) {
  ModelConfig c;
  // Every option at its default, as the parser would set them.
  c.kind = kind.name;
  for (const ModelOption& o : options_of(kind))
    if (std::string(o.name) != "model" && std::string(o.name) != "num-classes")
      o.apply(c, o.default_value);
  c.hidden = {16};
  c.latent = 4;
  c.num_classes = 10;
  c.sample_shape = Shape{1, 28, 28};
  return c;
}

TEST(ModelKinds, EveryRowMakesAModelThatOffersWhatItsTraitsSay) {
  ASSERT_GE(model_kinds().size(), 6u);
  std::set<std::string> names;
  for (const ModelKind& kind : model_kinds()) {
    SCOPED_TRACE(kind.name);
    EXPECT_TRUE(names.insert(kind.name).second) << "two rows named " << kind.name;
    EXPECT_FALSE(std::string(kind.summary).empty());
    auto model = make_model(config_of(kind), 1);
    EXPECT_EQ(model->kind(), kind.name);
    const ModelTraits& t = kind.traits;
    EXPECT_EQ(model->as_encoder() != nullptr, t.can_encode);
    EXPECT_EQ(model->as_decoder() != nullptr, t.can_decode);
    EXPECT_EQ(model->as_generator() != nullptr, t.can_generate);
    EXPECT_EQ(model->as_scorer() != nullptr, t.has_anomaly_score);
    EXPECT_EQ(model->as_likelihood_bound() != nullptr, t.has_likelihood_bound);
    EXPECT_EQ(model->as_classifier() != nullptr, t.can_classify);
    // Grids: reconstructions or samples for the kinds that draw images, nothing for the others.
    EXPECT_EQ(model->as_reconstructor() != nullptr || model->as_generator() != nullptr,
              t.draws_images);
    if (t.can_encode) {
      EXPECT_EQ(model->as_encoder()->code_size(), 4);
    }
  }
}

TEST(ModelKinds, OptionsBelongToTheirKindsAndDefaultsAreValid) {
  std::set<std::string> shared;
  for (const ModelOption& o : shared_model_options()) shared.insert(o.name);
  for (const ModelKind& kind : model_kinds()) {
    SCOPED_TRACE(kind.name);
    std::set<std::string> own;
    for (const ModelOption& o : kind.options()) {
      EXPECT_TRUE(own.insert(o.name).second) << o.name << " twice";
      EXPECT_FALSE(shared.count(o.name)) << o.name << " is shared and the kind's";
      EXPECT_TRUE(is_model_option(o.name));
    }
    EXPECT_NO_THROW(validate(config_of(kind)));
  }
  EXPECT_FALSE(is_model_option("epochs"));
  // A kind's validation sees its own options: an out-of-range one is named.
  ModelConfig vae = config_of(model_kind("vae"));
  vae.vae.beta = -1;
  try {
    validate(vae);
    FAIL() << "beta -1 accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("--beta"), std::string::npos) << e.what();
  }
}

TEST(ModelKinds, AnUnknownKindIsRefusedListingTheKinds) {
  try {
    model_kind("vea");
    FAIL() << "vea accepted";
  } catch (const UserError& e) {
    for (const ModelKind& k : model_kinds())
      EXPECT_NE(std::string(e.what()).find(k.name), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("--model vea: expected ", 0), 0u) << e.what();
  }
  EXPECT_EQ(kinds_with(&ModelTraits::can_generate), "vae, cvae, gan and cgan");
  EXPECT_EQ(model_kind("gan").traits.adam_beta1, 0.5f);
}

}  // namespace
}  // namespace latent
