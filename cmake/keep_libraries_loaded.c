/* Sanitizer builds only (MOBILEVK_KEEP_LIBRARIES_LOADED): a dlclose that keeps every library
 * mapped, so LeakSanitizer can still name (and suppress, see tests/lsan.supp) leaks inside the
 * Vulkan driver after the loader has unloaded it at vkDestroyInstance. */
int dlclose(void* handle) {
  (void)handle;
  return 0;
}
