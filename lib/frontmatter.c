/* PLACEHOLDER: replaced by the real module. */
#include "frontmatter.h"
