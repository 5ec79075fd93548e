/* Classifies one photo through the C API: consumer_c MODEL RGBA_FILE WIDTH HEIGHT */
#include <mobilevk/mobilevk.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  if (argc != 5) return 2;
  const uint32_t w = (uint32_t)atoi(argv[3]), h = (uint32_t)atoi(argv[4]);
  FILE* f = fopen(argv[2], "rb");
  if (!f) return 2;
  uint8_t* rgba = malloc((size_t)w * h * 4);
  if (fread(rgba, 1, (size_t)w * h * 4, f) != (size_t)w * h * 4) return 2;
  fclose(f);
  mvk_context ctx;
  mvk_model model;
  mvk_network net;
  if (mvk_context_create(NULL, &ctx) != MVK_OK || mvk_model_load(argv[1], &model) != MVK_OK ||
      mvk_network_create(ctx, model, 0, &net) != MVK_OK) {
    fprintf(stderr, "error: %s\n", mvk_last_error());
    return 1;
  }
  const size_t n = mvk_model_output_size(model);
  float* probs = malloc(n * sizeof(float));
  int32_t top[3];
  if (mvk_classify_rgba8(net, rgba, (size_t)w * h * 4, w, h, probs, n) != MVK_OK || mvk_top_k(probs, n, 3, top) != MVK_OK) {
    fprintf(stderr, "error: %s\n", mvk_last_error());
    return 1;
  }
  printf("c top-1: %d %.4f\n", top[0], probs[top[0]]);
  /* A bad path gives an error code and a message, not a crash. */
  mvk_model bad;
  if (mvk_model_load("/nonexistent.tflite", &bad) != MVK_ERROR_IO) return 1;
  printf("c error: %s\n", mvk_last_error());
  mvk_network_destroy(net);
  mvk_model_destroy(model);
  mvk_context_destroy(ctx);
  free(probs);
  free(rgba);
  return 0;
}
