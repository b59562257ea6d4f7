// libjwt: JWT signature checks behind our own strict parsing.
#ifndef CJWT_H
#define CJWT_H

#include <jwt.h>

#endif
